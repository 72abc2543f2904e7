package cnnc.model;

/** What flows between layers for one example: a HxWxC volume or a vector. */
public sealed interface Shape {

    /** Number of values, per example. */
    int size();

    /** As shown to users: {@code 26x26x10} or {@code 64}. */
    String text();

    record Volume(int height, int width, int channels) implements Shape {
        @Override
        public int size() {
            return Math.multiplyExact(Math.multiplyExact(height, width), channels);
        }

        @Override
        public String text() {
            return height + "x" + width + "x" + channels;
        }
    }

    record Vector(int length) implements Shape {
        @Override
        public int size() {
            return length;
        }

        @Override
        public String text() {
            return Integer.toString(length);
        }
    }
}
