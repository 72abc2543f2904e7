package cnnc.train;

/**
 * Cosine annealing as PyTorch's {@code torch.optim.lr_scheduler.CosineAnnealingLR(T_max, eta_min)}
 * with T_max the run's epochs, in its closed form: lr(e) = min + (lr0 - min) * (1 + cos(pi * (e - 1) / T_max)) / 2
 * for epochs e numbered from 1, so the first epoch trains at lr0 and the rate nears min at the last.
 */
final class CosineAnnealing implements LearningRateSchedule {
    private final double initial;
    private final double min;
    private final int epochs;

    CosineAnnealing(double initial, double min, int epochs) {
        this.initial = initial;
        this.min = min;
        this.epochs = epochs;
    }

    @Override
    public double rate(int epoch) {
        return min + (initial - min) * (1 + Math.cos(Math.PI * (epoch - 1) / epochs)) / 2;
    }

    @Override
    public String describe() {
        return "cosine(min=" + min + ", epochs=" + epochs + ")";
    }
}
