package cnnc.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * An exported model run by ONNX Runtime, the independent reader the export is judged by: it
 * checks the file against the ONNX schema and operator set as it loads it.
 *
 * @param output the values of the graph's output, row-major
 * @param shape the output's shape, batch first
 */
record OnnxRuntimeRun(float[] output, long[] shape) {

    /** Runs {@code model} on a batch of examples, each of {@code exampleShape} (without the batch dimension). */
    static OnnxRuntimeRun of(byte[] model, float[][] examples, long... exampleShape) throws OrtException {
        var env = OrtEnvironment.getEnvironment();
        long[] shape = new long[exampleShape.length + 1];
        shape[0] = examples.length;
        System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
        var batch = FloatBuffer.allocate(examples.length * examples[0].length);
        for (float[] example : examples) {
            batch.put(example);
        }
        batch.flip();
        try (var options = new OrtSession.SessionOptions()) {
            // ONNX Runtime's default graph rewrites, as a user gets them; one thread on a shared machine
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, options);
                    OnnxTensor input = OnnxTensor.createTensor(env, batch, shape);
                    OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
                var out = (OnnxTensor) result.get(OnnxExport.OUTPUT).orElseThrow();
                FloatBuffer values = out.getFloatBuffer();
                float[] flat = new float[values.remaining()];
                values.get(flat);
                return new OnnxRuntimeRun(flat, out.getInfo().getShape());
            }
        }
    }

    /** Example {@code n}'s values. */
    float[] example(int n) {
        int size = output.length / (int) shape[0];
        return Arrays.copyOfRange(output, n * size, (n + 1) * size);
    }
}
