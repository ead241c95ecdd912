package io.weft.agent.weaving;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * The instance members of one class as its class file declares them (read with ASM, code skipped), for checking
 * that a key template's property path ({@code {request.customerId}}) can be read. No class is loaded.
 */
final class ClassMembers extends ClassVisitor {

    private String superName;
    private String[] interfaces = new String[0];
    /** Each instance method without parameters that returns a value, by the erasure of what it returns. */
    private final List<Member> accessors = new ArrayList<>();
    /** Each instance field. */
    private final List<Member> fields = new ArrayList<>();

    /** A method or field: its name, its (return) type's erasure and whether it is public. */
    private static final class Member {
        final String name;
        final String type;
        final boolean isPublic;

        Member(String name, Type type, int access) {
            this.name = name;
            this.type = GenericType.binaryName(type);
            this.isPublic = (access & Opcodes.ACC_PUBLIC) != 0;
        }
    }

    private ClassMembers() {
        super(Opcodes.ASM9);
    }

    /**
     * The erased type ({@link Class#getName()}) of {@code property} of {@code typeName}, found as the runtime's
     * {@code PropertyPath} finds it: for each of the accessor {@code property()} and the getters
     * {@code getProperty()} and {@code isProperty()} in turn, a public one of the class, its super classes or its
     * interfaces, else one of any access in the class or its super classes; failing all three, a field. {@code null}
     * when there is none.
     *
     * @throws IllegalArgumentException when a class file of the hierarchy cannot be read
     */
    static String propertyType(ClassLoader loader, String typeName, String property) {
        String capitalized = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        String internalName = typeName.startsWith("[") ? "java/lang/Object" : typeName.replace('.', '/');
        for (String name : new String[] {property, "get" + capitalized, "is" + capitalized}) {
            String found = accessorType(loader, internalName, name, true);
            if (found == null) {
                found = accessorType(loader, internalName, name, false);
            }
            if (found != null) {
                return found;
            }
        }
        for (ClassMembers current = read(loader, internalName); current != null; current = read(loader, current.superName)) {
            for (Member field : current.fields) {
                if (field.name.equals(property)) {
                    return field.type;
                }
            }
        }
        return null;
    }

    /**
     * The return type of the instance method {@code name()} of a class: with {@code publicOnly}, a public one of the
     * class, its super classes, then its interfaces ({@link Class#getMethod}); else one of any access in the class
     * and its super classes.
     */
    private static String accessorType(ClassLoader loader, String internalName, String name, boolean publicOnly) {
        List<String> interfaces = new ArrayList<>();
        for (ClassMembers current = read(loader, internalName); current != null; current = read(loader, current.superName)) {
            for (Member accessor : current.accessors) {
                if (accessor.name.equals(name) && (accessor.isPublic || !publicOnly)) {
                    return accessor.type;
                }
            }
            interfaces.addAll(List.of(current.interfaces));
        }
        if (!publicOnly) {
            return null;
        }
        for (String iface : interfaces) {
            String found = accessorType(loader, iface, name, true);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** The members of a class, or {@code null} for the super class of {@code java.lang.Object} or an interface's. */
    private static ClassMembers read(ClassLoader loader, String internalName) {
        if (internalName == null) {
            return null;
        }
        byte[] classFile = AnnotatedClass.classFile(loader, internalName);
        if (classFile == null) {
            throw new IllegalArgumentException("the class file of " + internalName.replace('/', '.')
                    + " cannot be read to check the property path");
        }
        ClassMembers members = new ClassMembers();
        new ClassReader(classFile).accept(members, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return members;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        this.superName = (access & Opcodes.ACC_INTERFACE) != 0 ? null : superName;
        this.interfaces = interfaces == null ? new String[0] : interfaces;
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        if ((access & Opcodes.ACC_STATIC) == 0) {
            fields.add(new Member(name, Type.getType(descriptor), access));
        }
        return null;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        if ((access & Opcodes.ACC_STATIC) == 0 && descriptor.startsWith("()") && !descriptor.endsWith(")V")) {
            accessors.add(new Member(name, Type.getReturnType(descriptor), access));
        }
        return null;
    }
}
