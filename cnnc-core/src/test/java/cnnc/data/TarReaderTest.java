package cnnc.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class TarReaderTest {
    @Test
    void readsEntriesAndSkipsUnreadContent() throws IOException {
        var files = new LinkedHashMap<String, byte[]>();
        files.put("package/package.json", "{}".getBytes(StandardCharsets.UTF_8));
        files.put("package/data/big", new byte[1300]);
        files.put("package/data/small", new byte[] {1, 2, 3});
        var tar = new TarReader(new GZIPInputStream(new ByteArrayInputStream(TestTar.tgz(files))));
        assertEquals("package/package.json", tar.next().name());
        TarReader.Entry big = tar.next();
        assertEquals(1300, big.size());
        big.content().read(new byte[10]); // read a little, leave the rest
        TarReader.Entry small = tar.next();
        assertEquals("package/data/small", small.name());
        assertArrayEquals(new byte[] {1, 2, 3}, small.content().readAllBytes());
        assertNull(tar.next());
    }

    @Test
    void usesPaxAndGnuLongNames() throws IOException {
        var tar = new ByteArrayOutputStream();
        byte[] pax = "30 path=package/a-long-name.txt\n".getBytes(StandardCharsets.UTF_8);
        tar.write(TestTar.header("PaxHeader/x", pax.length, 'x'));
        tar.write(Arrays.copyOf(pax, 512));
        tar.write(TestTar.header("short", 1, '0'));
        tar.write(Arrays.copyOf(new byte[] {7}, 512));
        byte[] gnu = "package/gnu-name\0".getBytes(StandardCharsets.UTF_8);
        tar.write(TestTar.header("././@LongLink", gnu.length, 'L'));
        tar.write(Arrays.copyOf(gnu, 512));
        tar.write(TestTar.header("trunc", 0, '0'));
        tar.write(new byte[1024]);
        var reader = new TarReader(new ByteArrayInputStream(tar.toByteArray()));
        assertEquals("package/a-long-name.txt", reader.next().name());
        assertEquals("package/gnu-name", reader.next().name());
        assertNull(reader.next());
    }

    @Test
    void rejectsDamage() {
        byte[] header = TestTar.header("x", 5, '0');
        header[0] = 'y'; // checksum no longer matches
        assertThrows(IOException.class, () -> new TarReader(new ByteArrayInputStream(header)).next());
        byte[] cut = Arrays.copyOf(TestTar.header("x", 5000, '0'), 1000);
        assertThrows(IOException.class, () -> {
            var r = new TarReader(new ByteArrayInputStream(cut));
            r.next().content().readAllBytes();
        });
    }
}
