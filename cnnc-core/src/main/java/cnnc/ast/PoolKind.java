package cnnc.ast;

public enum PoolKind {
    MAX, AVG;

    public String keyword() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
