#!/usr/bin/env python3
"""Writes the daily means of one column of an hourly CSV (ETTh1's date,HUFL,...,OT layout), whole days only.

    python3 tools/forecast/daily_means.py ETTh1.csv OT ett-daily-OT.csv

The series this makes (726 days) are short daily series that none of the forecaster's defaults were chosen on:
a check that the defaults carry over to data of the same kind.
"""
import csv
import os
import sys


def main(source, column, out):
    days = {}
    with open(source, newline="") as fh:
        for row in csv.DictReader(fh):
            days.setdefault(row["date"][:10], []).append(float(row[column]))
    with open(out + ".tmp", "w") as fh:
        fh.write("date,%s\n" % column)
        for day, values in days.items():
            if len(values) == 24:
                fh.write("%s,%.4f\n" % (day, sum(values) / 24))
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: daily_means.py HOURLY.csv COLUMN OUT.csv")
    main(*sys.argv[1:])
