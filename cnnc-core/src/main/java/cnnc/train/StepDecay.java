package cnnc.train;

/**
 * Step decay as PyTorch's {@code torch.optim.lr_scheduler.StepLR(step_size, gamma)}: the rate is
 * multiplied by {@code factor} every {@code every} epochs, lr(e) = lr0 * factor^floor((e - 1) / every)
 * for epochs e numbered from 1. PyTorch's default gamma, 0.1, is the default factor.
 */
final class StepDecay implements LearningRateSchedule {
    static final double DEFAULT_FACTOR = 0.1;

    private final double initial;
    private final int every;
    private final double factor;

    StepDecay(double initial, int every, double factor) {
        this.initial = initial;
        this.every = every;
        this.factor = factor;
    }

    @Override
    public double rate(int epoch) {
        return initial * Math.pow(factor, (epoch - 1) / every);
    }

    @Override
    public String describe() {
        return "step(every=" + every + ", factor=" + factor + ")";
    }
}
