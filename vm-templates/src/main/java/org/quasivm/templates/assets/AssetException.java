package org.quasivm.templates.assets;

/** Guest material could not be fetched or built; the message says what failed and how to fix it. */
public final class AssetException extends Exception {
    public AssetException(String message) {
        super(message);
    }

    public AssetException(String message, Throwable cause) {
        super(message, cause);
    }
}
