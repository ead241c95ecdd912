package io.weft.agent.weaving;

/** A method about to be woven, as its class file declares it, and the id the runtime knows it by. */
final class WovenMethod {

    /** The declaring class's internal name. */
    final String owner;
    final int access;
    final String descriptor;
    final int id;
    /** Whether the class file carries stack map frames (version 50 or later), which the added code must too. */
    final boolean frames;

    WovenMethod(String owner, int access, String descriptor, int id, boolean frames) {
        this.owner = owner;
        this.access = access;
        this.descriptor = descriptor;
        this.id = id;
        this.frames = frames;
    }
}
