package org.grukit.core.task;

/** What every task's settings have: how it trains. The rest (architecture, data, preprocessing) is the task's. */
public interface TaskSettings {
    TrainingSettings training();
}
