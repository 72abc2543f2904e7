package cnnc.train;

/** Optimizer state: zeroed arrays shaped like the parameters. */
final class Slots {
    private Slots() {}

    static float[][] like(float[][] params) {
        float[][] out = new float[params.length][];
        for (int i = 0; i < params.length; i++) {
            out[i] = new float[params[i].length];
        }
        return out;
    }
}
