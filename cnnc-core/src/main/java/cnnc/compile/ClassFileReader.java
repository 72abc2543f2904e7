package cnnc.compile;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the bytecode length of every method from a class file (JVMS 4): enough of the format
 * to walk the constant pool, fields and methods and find each Code attribute.
 */
public final class ClassFileReader {
    private ClassFileReader() {}

    /** A method and the length of its bytecode in bytes. */
    public record MethodSize(String name, String descriptor, int codeLength) {}

    public static List<MethodSize> methodSizes(byte[] classFile) {
        ByteBuffer in = ByteBuffer.wrap(classFile);
        if (in.getInt() != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file");
        }
        in.getShort(); // minor
        in.getShort(); // major
        int count = in.getShort() & 0xFFFF;
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.get() & 0xFF;
            switch (tag) {
                case 1 -> {
                    byte[] bytes = new byte[in.getShort() & 0xFFFF];
                    in.get(bytes);
                    utf8[i] = new String(bytes, java.nio.charset.StandardCharsets.UTF_8); // modified UTF-8; ASCII here
                }
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.position(in.position() + 4);
                case 5, 6 -> {
                    in.position(in.position() + 8);
                    i++; // longs and doubles take two slots
                }
                case 7, 8, 16, 19, 20 -> in.position(in.position() + 2);
                case 15 -> in.position(in.position() + 3);
                default -> throw new IllegalArgumentException("unknown constant pool tag " + tag);
            }
        }
        in.position(in.position() + 6); // access, this, super
        int interfaces = in.getShort() & 0xFFFF;
        in.position(in.position() + 2 * interfaces);
        int fields = in.getShort() & 0xFFFF;
        for (int f = 0; f < fields; f++) {
            in.position(in.position() + 6);
            skipAttributes(in);
        }
        int methods = in.getShort() & 0xFFFF;
        var out = new ArrayList<MethodSize>();
        for (int m = 0; m < methods; m++) {
            in.getShort(); // access
            String name = utf8[in.getShort() & 0xFFFF];
            String descriptor = utf8[in.getShort() & 0xFFFF];
            int attributes = in.getShort() & 0xFFFF;
            int codeLength = 0;
            for (int a = 0; a < attributes; a++) {
                String attribute = utf8[in.getShort() & 0xFFFF];
                int length = in.getInt();
                int start = in.position();
                if ("Code".equals(attribute)) {
                    in.position(start + 4); // max_stack, max_locals
                    codeLength = in.getInt();
                }
                in.position(start + length);
            }
            out.add(new MethodSize(name, descriptor, codeLength));
        }
        return out;
    }

    private static void skipAttributes(ByteBuffer in) {
        int attributes = in.getShort() & 0xFFFF;
        for (int a = 0; a < attributes; a++) {
            in.getShort();
            int length = in.getInt();
            in.position(in.position() + length);
        }
    }
}
