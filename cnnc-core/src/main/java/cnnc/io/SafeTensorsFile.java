package cnnc.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The content of a safetensors file: tensors in data order, and the {@code __metadata__} strings. */
public record SafeTensorsFile(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {
    public SafeTensorsFile {
        tensors = new LinkedHashMap<>(tensors);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    @Override
    public LinkedHashMap<String, Tensor> tensors() {
        return new LinkedHashMap<>(tensors);
    }

    /** The named tensor; a ModelFileException naming the tensor if it is missing. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFileException("the model has no tensor \"" + name + "\" (it has " + tensors.keySet() + ")");
        }
        return t;
    }
}
