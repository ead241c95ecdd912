package io.weft.agent.keys;

import io.weft.agent.log.WeftLog;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link KeyRenderer} shapes: constant text, and a template of literals and placeholders. */
final class Renderers {

    /** Keys with more placeholders than this hold their values in one array ({@link CacheKey.ManyValues}). */
    private static final int MAX_COMPOSED_ONE_BY_ONE = 3;

    private Renderers() {
    }

    /** @param kinds per operand, how its values are described in an L1 key (from their declared types) */
    static KeyRenderer of(List<String> literals, List<Operand> operands, List<ScalarKind> kinds) {
        if (operands.isEmpty()) {
            return new Constant(literals.get(0));
        }
        return new Template(literals.toArray(new String[0]), operands.toArray(new Operand[0]),
                kinds.toArray(new ScalarKind[0]));
    }

    private static final class Constant implements KeyRenderer {
        private final String text;
        private volatile CacheKey key;

        Constant(String text) {
            this.text = text;
        }

        @Override
        public String render(Object[] args, Object result) {
            return text;
        }

        @Override
        public CacheKey key(KeyScope scope, Object[] args) {
            return keyIn(scope);
        }

        @Override
        public CacheKey key(KeyScope scope, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5, long n0,
                long n1, long n2, long n3, long n4, long n5) {
            return keyIn(scope);
        }

        /** The key of the last scope asked for (a method's renderer serves one scope: its class's loader). */
        private CacheKey keyIn(KeyScope scope) {
            CacheKey last = key;
            if (last == null || last.scope() != scope) {
                last = CacheKey.of(scope, text);
                key = last;
            }
            return last;
        }
    }

    /**
     * Literals around placeholders. Rendering appends each piece once; an L1 key of scalar values ({@link ScalarText})
     * is hashed from the values, with the literals' hashes and lengths prepared here, so a hit builds no text whatever
     * the literals, the values and their number. The hit path of one value is kept short (it is inlined into every
     * woven method); two or three take a second method; more are held in the thread's array (unboxed when they were
     * passed so), put there by code generated for the template ({@link ManyKeyMaker}) when each placeholder reads an
     * argument passed one by one (or a property of one), else by a loop over the placeholders.
     */
    private static final class Template implements KeyRenderer {
        private final String[] literals;
        private final Literals composer;
        private final Operand[] operands;
        private final ScalarKind[] kinds;
        private final int[] literalHashes;
        private final int[] literalPowers;
        private final int sizeHint;
        /** How many leading arguments the placeholders read ({@link Operand#argumentsRead}). */
        private final int argumentsRead;
        /**
         * For more than three placeholders reading arguments passed one by one (or their properties), code generated
         * for them, or null.
         */
        private final ManyKeyMaker maker;

        Template(String[] literals, Operand[] operands, ScalarKind[] kinds) {
            this.literals = literals;
            this.operands = operands;
            this.argumentsRead = Operand.argumentsRead(operands);
            this.kinds = kinds;
            this.literalHashes = new int[literals.length];
            this.literalPowers = new int[literals.length];
            int size = 0;
            for (int i = 0; i < literals.length; i++) {
                literalHashes[i] = literals[i].hashCode();
                literalPowers[i] = ScalarText.power(literals[i].length());
                size += literals[i].length();
            }
            this.sizeHint = size + 36 * operands.length;
            this.composer = Literals.of(literals, sizeHint);
            this.maker = operands.length > MAX_COMPOSED_ONE_BY_ONE ? maker() : null;
        }

        /** The generated maker of this template's keys, or null: the loop makes them ({@link #composedOfMany}). */
        private ManyKeyMaker maker() {
            try {
                return ManyKeyMakerClass.of(composer, operands, kinds, literals, literalHashes, literalPowers);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                WeftLog.warn("the keys of a template of " + operands.length + " placeholders (literals "
                        + List.of(literals) + ") are made by a loop, not by code of their own: " + e);
                return null;
            }
        }

        @Override
        public String render(Object[] args, Object result) {
            if (operands.length == 1 && literals[1].isEmpty()) {
                return literals[0].concat(Values.render(operands[0].value(args, result)));
            }
            StringBuilder sb = new StringBuilder(sizeHint).append(literals[0]);
            for (int i = 0; i < operands.length; i++) {
                Values.append(sb, operands[i].value(args, result));
                sb.append(literals[i + 1]);
            }
            return sb.toString();
        }

        @Override
        public CacheKey key(KeyScope scope, Object[] args) {
            int count = operands.length;
            CacheKey key = count > MAX_COMPOSED_ONE_BY_ONE ? composedOfMany(scope, args, null, null, null, null, null,
                    null, 0, 0, 0, 0, 0, 0)
                    : composed(scope, operands[0].value(args, null), count > 1 ? operands[1].value(args, null) : null,
                            count > 2 ? operands[2].value(args, null) : null, 0, 0, 0);
            return key != null ? key : CacheKey.of(scope, render(args, null));
        }

        @Override
        public CacheKey key(KeyScope scope, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5, long n0,
                long n1, long n2, long n3, long n4, long n5) {
            int count = operands.length;
            CacheKey key = count > MAX_COMPOSED_ONE_BY_ONE ? maker != null
                    ? maker.key(scope, a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5)
                    : composedOfMany(scope, null, a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5)
                    : composed(scope, operands[0].value(a0, a1, a2, a3, a4, a5),
                            count > 1 ? operands[1].value(a0, a1, a2, a3, a4, a5) : null,
                            count > 2 ? operands[2].value(a0, a1, a2, a3, a4, a5) : null,
                            operands[0].bits(n0, n1, n2, n3, n4, n5),
                            count > 1 ? operands[1].bits(n0, n1, n2, n3, n4, n5) : 0,
                            count > 2 ? operands[2].bits(n0, n1, n2, n3, n4, n5) : 0);
            return key != null ? key : rendered(scope, a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5);
        }

        /** The key of the text rendered from the arguments of a call that passed them one by one. */
        private CacheKey rendered(KeyScope scope, Object a0, Object a1, Object a2, Object a3, Object a4, Object a5,
                long n0, long n1, long n2, long n3, long n4, long n5) {
            Object[] args = new Object[argumentsRead];
            for (Operand operand : operands) {
                operand.pass(args, a0, a1, a2, a3, a4, a5, n0, n1, n2, n3, n4, n5);
            }
            return CacheKey.of(scope, render(args, null));
        }

        /**
         * The thread's probe for the placeholders' values {@code v0}… (as many as there are; an {@link UnboxedArgument}
         * for a value passed unboxed, which is then in {@code m0}…), or {@code null}: not all are scalars.
         */
        private CacheKey composed(KeyScope scope, Object v0, Object v1, Object v2, long m0, long m1, long m2) {
            long text = text(0, v0, m0);
            if (text == ScalarText.NOT_SCALAR) {
                return null;
            }
            int hash = append(literalHashes[0], text, 1);
            return operands.length == 1 ? CacheKey.probe(scope, hash, composer, kinds[0].held(v0), null, null, m0, 0, 0)
                    : composedOfMore(scope, hash, v0, v1, v2, m0, m1, m2);
        }

        /** {@link #composed} for two or three values, the first already described in {@code hash}. */
        private CacheKey composedOfMore(KeyScope scope, int hash, Object v0, Object v1, Object v2, long m0, long m1,
                long m2) {
            long text = text(1, v1, m1);
            if (text == ScalarText.NOT_SCALAR) {
                return null;
            }
            hash = append(hash, text, 2);
            if (operands.length > 2) {
                text = text(2, v2, m2);
                if (text == ScalarText.NOT_SCALAR) {
                    return null;
                }
                hash = append(hash, text, 3);
                v2 = kinds[2].held(v2);
            }
            return CacheKey.probe(scope, hash, composer, kinds[0].held(v0), kinds[1].held(v1), v2, m0, m1, m2);
        }

        /**
         * The thread's probe for the values of more than three placeholders, read into the thread's array from
         * {@code args}, or when that is {@code null}, from the slots of a call that passed them one by one (a value
         * passed unboxed stays so); or {@code null}: not all are scalars, or reading them made another key with that
         * array (a getter calling a cached method), and the key is rendered instead.
         */
        private CacheKey composedOfMany(KeyScope scope, Object[] args, Object a0, Object a1, Object a2, Object a3,
                Object a4, Object a5, long n0, long n1, long n2, long n3, long n4, long n5) {
            CacheKey.ManyValues many = CacheKey.manyValues(operands.length);
            int use = many.uses;
            int hash = literalHashes[0];
            for (int i = 0; i < operands.length; i++) {
                Object value = args != null ? operands[i].value(args, null) : operands[i].value(a0, a1, a2, a3, a4, a5);
                long bits = args != null ? 0 : operands[i].bits(n0, n1, n2, n3, n4, n5);
                long text = text(i, value, bits);
                if (text == ScalarText.NOT_SCALAR) {
                    return null;
                }
                many.put(i, kinds[i].held(value), bits);
                hash = append(hash, text, i + 1);
            }
            return CacheKey.probeOfMany(scope, hash, composer, many, use);
        }

        /** The text of the value of placeholder {@code i}: {@code value}, or passed unboxed, {@code bits}. */
        private long text(int i, Object value, long bits) {
            return value instanceof UnboxedArgument ? ((UnboxedArgument) value).text(bits) : kinds[i].text(value);
        }

        /** The hash of the text so far ({@code hash}), then a value's text, then the literal that follows it. */
        private int append(int hash, long value, int nextLiteral) {
            return ManyKeyMaker.fold(hash, value, literalPowers[nextLiteral], literalHashes[nextLiteral]);
        }

    }

    /**
     * Composes the text of keys from their values and literals; one instance per list of literals, whichever
     * template has them, so that the keys of two methods whose templates render the same texts (a batch method's
     * elements and its single-element method) have the same composer and compare by their values, building no text.
     */
    private static final class Literals implements CacheKey.Composer {
        private static final ConcurrentHashMap<List<String>, Literals> BY_TEXT = new ConcurrentHashMap<>();

        private final String[] literals;
        private final int sizeHint;

        private Literals(String[] literals, int sizeHint) {
            this.literals = literals;
            this.sizeHint = sizeHint;
        }

        static Literals of(String[] literals, int sizeHint) {
            Literals made = new Literals(literals, sizeHint);
            Literals known = BY_TEXT.putIfAbsent(List.of(literals), made);
            return known == null ? made : known;
        }

        @Override
        public int placeholders() {
            return literals.length - 1;
        }

        @Override
        public String compose(Object v0, Object v1, Object v2) {
            if (v0 instanceof CacheKey.ManyValues) {
                CacheKey.ManyValues values = (CacheKey.ManyValues) v0;
                StringBuilder sb = new StringBuilder(sizeHint).append(literals[0]);
                for (int i = 1; i < literals.length; i++) {
                    sb.append(Values.render(values.boxed(i - 1))).append(literals[i]);
                }
                return sb.toString();
            }
            StringBuilder sb = new StringBuilder(sizeHint).append(literals[0]).append(Values.render(v0)).append(literals[1]);
            if (literals.length > 2) {
                sb.append(Values.render(v1)).append(literals[2]);
                if (literals.length > 3) {
                    sb.append(Values.render(v2)).append(literals[3]);
                }
            }
            return sb.toString();
        }
    }
}
