package io.weft.agent.weaving;

/** A problem with an annotated method that leaves it unwoven; its message names {@code Class#method}. */
final class ConfigurationError extends Exception {

    private static final long serialVersionUID = 1L;

    ConfigurationError(String owner, String problem) {
        super(owner + ": " + problem);
    }
}
