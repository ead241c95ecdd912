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
    /** Name and descriptor of each instance method without parameters. */
    private final List<String[]> accessors = new ArrayList<>();
    /** Name and descriptor of each instance field. */
    private final List<String[]> fields = new ArrayList<>();

    private ClassMembers() {
        super(Opcodes.ASM9);
    }

    /**
     * The erased type ({@link Class#getName()}) of {@code property} of {@code typeName}: an accessor
     * {@code property()}, a getter {@code getProperty()}/{@code isProperty()} or a field, searched up the
     * class hierarchy and through the interfaces; {@code null} when there is none.
     *
     * @throws IllegalArgumentException when a class file of the hierarchy cannot be read
     */
    static String propertyType(ClassLoader loader, String typeName, String property) {
        String capitalized = Character.toUpperCase(property.charAt(0)) + property.substring(1);
        String[] names = {property, "get" + capitalized, "is" + capitalized};
        String internalName = typeName.startsWith("[") ? "java/lang/Object" : typeName.replace('.', '/');
        for (ClassMembers current = read(loader, internalName); current != null; current = read(loader, current.superName)) {
            for (String name : names) {
                for (String[] accessor : current.accessors) {
                    if (accessor[0].equals(name) && !accessor[1].endsWith(")V")) {
                        return GenericType.binaryName(Type.getReturnType(accessor[1]));
                    }
                }
            }
            for (String iface : current.interfaces) {
                String found = propertyType(loader, iface.replace('/', '.'), property);
                if (found != null) {
                    return found;
                }
            }
        }
        for (ClassMembers current = read(loader, internalName); current != null; current = read(loader, current.superName)) {
            for (String[] field : current.fields) {
                if (field[0].equals(property)) {
                    return GenericType.binaryName(Type.getType(field[1]));
                }
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
            fields.add(new String[] {name, descriptor});
        }
        return null;
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        if ((access & Opcodes.ACC_STATIC) == 0 && descriptor.startsWith("()")) {
            accessors.add(new String[] {name, descriptor});
        }
        return null;
    }
}
