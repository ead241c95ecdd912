package io.weft.agent.keys;

import java.util.List;
import java.util.UUID;

/** The {@link KeyRenderer} shapes: constant text, a literal followed by one argument, and the general case. */
final class Renderers {

    private Renderers() {
    }

    static KeyRenderer of(List<String> literals, List<Operand> operands) {
        if (operands.isEmpty()) {
            return new Constant(literals.get(0));
        }
        if (operands.size() == 1 && literals.get(1).isEmpty() && operands.get(0).isSimpleArgument()) {
            return new LiteralThenValue(literals.get(0), operands.get(0));
        }
        return new General(literals.toArray(new String[0]), operands.toArray(new Operand[0]));
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

        /** The key of the last scope asked for (a method's renderer serves one scope: its class's loader). */
        @Override
        public CacheKey key(KeyScope scope, Object[] args) {
            CacheKey last = key;
            if (last == null || last.scope() != scope) {
                last = CacheKey.of(scope, text);
                key = last;
            }
            return last;
        }
    }

    /**
     * {@code "storybook:books:{userId}"}: one concatenation, allocating only the key; for a {@link UUID}
     * argument, an L1 key that needs no text at all.
     */
    private static final class LiteralThenValue implements KeyRenderer {
        private final String literal;
        private final int literalTerm;
        private final Operand operand;

        LiteralThenValue(String literal, Operand operand) {
            this.literal = literal;
            this.literalTerm = UuidTextHash.literalTerm(literal);
            this.operand = operand;
        }

        @Override
        public String render(Object[] args, Object result) {
            return literal.concat(Values.render(operand.value(args, result)));
        }

        @Override
        public CacheKey key(KeyScope scope, Object[] args) {
            Object value = operand.value(args, null);
            if (value instanceof UUID) {
                return CacheKey.ofUuid(scope, literal, literalTerm, (UUID) value);
            }
            return CacheKey.of(scope, literal.concat(Values.render(value)));
        }
    }

    private static final class General implements KeyRenderer {
        private final String[] literals;
        private final Operand[] operands;
        private final int sizeHint;

        General(String[] literals, Operand[] operands) {
            this.literals = literals;
            this.operands = operands;
            int size = 0;
            for (String literal : literals) {
                size += literal.length();
            }
            this.sizeHint = size + 36 * operands.length;
        }

        @Override
        public String render(Object[] args, Object result) {
            StringBuilder sb = new StringBuilder(sizeHint).append(literals[0]);
            for (int i = 0; i < operands.length; i++) {
                Values.append(sb, operands[i].value(args, result));
                sb.append(literals[i + 1]);
            }
            return sb.toString();
        }
    }
}
