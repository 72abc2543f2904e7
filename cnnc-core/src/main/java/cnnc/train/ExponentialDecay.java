package cnnc.train;

/**
 * Exponential decay per epoch as PyTorch's {@code torch.optim.lr_scheduler.ExponentialLR(gamma)}:
 * lr(e) = lr0 * rate^(e - 1) for epochs e numbered from 1 (Keras' ExponentialDecay with
 * decay_steps one epoch and staircase=True gives the same rates).
 */
final class ExponentialDecay implements LearningRateSchedule {
    private final double initial;
    private final double rate;

    ExponentialDecay(double initial, double rate) {
        this.initial = initial;
        this.rate = rate;
    }

    @Override
    public double rate(int epoch) {
        return initial * Math.pow(rate, epoch - 1);
    }

    @Override
    public String describe() {
        return "exponential(rate=" + rate + ")";
    }
}
