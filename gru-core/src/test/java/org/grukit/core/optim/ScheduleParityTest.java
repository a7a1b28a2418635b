package org.grukit.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.function.Function;
import org.grukit.core.Fixtures;
import org.grukit.core.ParameterArena;
import org.grukit.core.Tensor;
import org.junit.jupiter.api.Test;

/** The lr sequence of each schedule against torch.optim.lr_scheduler, step by step. */
class ScheduleParityTest {
    private final Map<String, Tensor> f = Fixtures.load("schedules");

    private static Optimizer sgd() {
        return new Sgd(new ParameterArena(Map.of("p", Tensor.zeros(1))), Sgd.Config.of(0.1));
    }

    private void check(String name, Function<Optimizer, LrScheduler> make, float[] metrics) {
        float[] expected = f.get(name).toArray();
        Optimizer opt = sgd();
        LrScheduler s = make.apply(opt);
        assertEquals(expected[0], opt.lr(), 1e-7, name + " initial lr");
        for (int i = 1; i < expected.length; i++) {
            s.step(opt, metrics == null ? Double.NaN : metrics[i - 1]);
            assertEquals(expected[i], opt.lr(), 1e-7, name + " lr after step " + i);
        }
    }

    @Test
    void stepCosineLinearPlateau() {
        check("step_lr", o -> FactorSchedule.stepLr(o, 3, 0.5), null);
        check("cosine", o -> FactorSchedule.cosine(o, 10, 0.001, LrScheduler.Interval.EPOCH), null);
        check("linear", o -> FactorSchedule.linear(o, 0.1, 1.0, 5, LrScheduler.Interval.STEP), null);
        check("plateau", o -> new ReduceLrOnPlateau(ReduceLrOnPlateau.Config.defaults(true).withFactor(0.5)
                .withPatience(2).withCooldown(1)), f.get("plateau_metrics").toArray());
    }

    @Test
    void warmupCosineRisesThenFalls() {
        Optimizer opt = sgd();
        LrScheduler s = FactorSchedule.warmupCosine(opt, 4, 14, 0.0);
        assertEquals(0.025, opt.lr(), 1e-12);
        for (int i = 0; i < 3; i++) s.step(opt, Double.NaN);
        assertEquals(0.1, opt.lr(), 1e-12, "peak at the end of warm-up");
        for (int i = 0; i < 6; i++) s.step(opt, Double.NaN); // count 9: 5 of the 10 cosine steps done
        assertEquals(0.05, opt.lr(), 1e-9, "half way through the cosine");
        for (int i = 0; i < 10; i++) s.step(opt, Double.NaN);
        assertEquals(0.0, opt.lr(), 1e-12, "floor after totalSteps");
    }
}
