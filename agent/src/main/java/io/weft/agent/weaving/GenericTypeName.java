package io.weft.agent.weaving;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.signature.SignatureReader;
import net.bytebuddy.jar.asm.signature.SignatureVisitor;

/**
 * A method's generic return type, named as {@link java.lang.reflect.Type#getTypeName()} names it:
 * {@code java.util.List<java.lang.String>}, {@code java.util.Map$Entry<K, ? extends V>}, {@code T[]}.
 */
final class GenericTypeName extends SignatureVisitor {

    private final StringBuilder text = new StringBuilder();
    private final char wildcard;
    private List<GenericTypeName> arguments = new ArrayList<>();
    private GenericTypeName component;

    private GenericTypeName(char wildcard) {
        super(Opcodes.ASM9);
        this.wildcard = wildcard;
    }

    /** The return type of a method with this descriptor and generic signature ({@code null} when it has none). */
    static GenericTypeName ofReturn(String descriptor, String signature) {
        GenericTypeName returned = new GenericTypeName(INSTANCEOF);
        if (signature == null) {
            new SignatureReader(Type.getReturnType(descriptor).getDescriptor()).acceptType(returned);
        } else {
            SignatureVisitor ignored = new SignatureVisitor(Opcodes.ASM9) {
            };
            new SignatureReader(signature).accept(new SignatureVisitor(Opcodes.ASM9) {
                @Override
                public SignatureVisitor visitReturnType() {
                    return returned;
                }

                @Override
                public SignatureVisitor visitClassBound() {
                    return ignored;
                }

                @Override
                public SignatureVisitor visitInterfaceBound() {
                    return ignored;
                }

                @Override
                public SignatureVisitor visitParameterType() {
                    return ignored;
                }

                @Override
                public SignatureVisitor visitExceptionType() {
                    return ignored;
                }
            });
        }
        return returned;
    }

    /** The type's name. */
    String name() {
        String name = component != null ? component.name() + "[]" : text.toString();
        switch (wildcard) {
            case EXTENDS:
                return name.equals("java.lang.Object") ? "?" : "? extends " + name;
            case SUPER:
                return "? super " + name;
            default:
                return name;
        }
    }

    /** The name of the first type argument of a parameterized type, or {@code null} for any other type. */
    String firstArgument() {
        return component != null || arguments.isEmpty() ? null : arguments.get(0).name();
    }

    @Override
    public void visitBaseType(char descriptor) {
        text.append(Type.getType(String.valueOf(descriptor)).getClassName());
    }

    @Override
    public void visitTypeVariable(String name) {
        text.append(name);
    }

    @Override
    public SignatureVisitor visitArrayType() {
        component = new GenericTypeName(INSTANCEOF);
        return component;
    }

    @Override
    public void visitClassType(String name) {
        text.append(name.replace('/', '.'));
    }

    @Override
    public void visitInnerClassType(String name) {
        appendArguments();
        text.append('$').append(name);
        arguments = new ArrayList<>();
    }

    @Override
    public void visitTypeArgument() {
        GenericTypeName unbounded = new GenericTypeName(INSTANCEOF);
        unbounded.text.append('?');
        arguments.add(unbounded);
    }

    @Override
    public SignatureVisitor visitTypeArgument(char wildcard) {
        GenericTypeName argument = new GenericTypeName(wildcard);
        arguments.add(argument);
        return argument;
    }

    @Override
    public void visitEnd() {
        appendArguments();
    }

    private void appendArguments() {
        if (arguments.isEmpty()) {
            return;
        }
        text.append('<');
        for (int i = 0; i < arguments.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(arguments.get(i).name());
        }
        text.append('>');
    }
}
