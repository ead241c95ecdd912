package io.weft.agent.keys;

/**
 * Fills the thread's probe for a template of more than three placeholders, each reading an argument passed one by one
 * ({@link PassedArguments}) or a property of one, in straight-line code generated for that template
 * ({@link ManyKeyMakerClass}): each value read from its slot and described by its kind's own method, the literals'
 * hashes and lengths constants. It makes the
 * key that {@code Renderers}' loop over the placeholders makes, without the loop's reads of each placeholder's slot,
 * kind and literal.
 */
abstract class ManyKeyMaker {

    /** The composer of the keys made. */
    final CacheKey.Composer composer;
    /** The template's placeholders, whose {@link Operand#property} the code calls for those that read a property. */
    final Operand[] operands;

    ManyKeyMaker(CacheKey.Composer composer, Operand[] operands) {
        this.composer = composer;
        this.operands = operands;
    }

    /**
     * The thread's probe for the values in the slots of a call, or {@code null}: a value is not a scalar, or reading
     * them made another key with the thread's array ({@link CacheKey#probeOfMany}), and the key is rendered instead.
     */
    abstract CacheKey key(KeyScope scope, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5, long n0,
            long n1, long n2, long n3, long n4, long n5);

    /**
     * The hash of the text so far ({@code hash}), then a value's text ({@link ScalarText}), then the literal that
     * follows it, {@code literalPower} being 31 to the power of its length.
     */
    static int fold(int hash, long value, int literalPower, int literalHash) {
        int withValue = hash * ScalarText.powerOfLength(value) + ScalarText.hash(value);
        return withValue * literalPower + literalHash;
    }
}
