import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Build step of the image (run by build-image.sh with the JDK's source launcher; not part of the
 * gateway): copies a jar, rewriting its classes of class-file version below 50 (Java 6) to version 52
 * (Java 8) with stack maps computed by the JDK's class-file API. Why: the JVM's AOT cache cannot hold
 * "old" classes (they need the old verifier at run time: "Skipping …: Old class has been linked"), nor
 * any class that depends on one; picocli 4.7.7 is compiled for Java 5, so picocli and every Postern
 * command class were loaded, verified and linked from scratch at each start. The bytecode itself is
 * unchanged; only the version and the StackMapTable attributes the newer verifier needs are added.
 * Entries under META-INF (the module descriptor of a multi-release jar, signatures) are copied as
 * they are.
 *
 * <p>Usage: {@code java ClassfileUpgrade.java IN.jar OUT.jar}; exit 0 with OUT written, else 1 and
 * OUT absent (the build then uses IN unchanged).
 */
public final class ClassfileUpgrade {
    private static final int TARGET_MAJOR = ClassFile.JAVA_8_VERSION;
    private static final int OLD_BELOW = ClassFile.JAVA_6_VERSION;

    private ClassfileUpgrade() {}

    public static void main(String[] args) throws IOException {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        try {
            int upgraded = upgrade(in, out);
            System.out.println("classfile-upgrade: " + in.getFileName() + ": " + upgraded + " classes to version " + TARGET_MAJOR);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(out);
            System.err.println("classfile-upgrade: " + in + " left as it is: " + e);
            System.exit(1);
        }
    }

    static int upgrade(Path in, Path out) throws IOException {
        int upgraded = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {in.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             JarFile jar = new JarFile(in.toFile());
             OutputStream file = Files.newOutputStream(out);
             JarOutputStream target = new JarOutputStream(file)) {
            // the class hierarchy the stack maps need: the jar's own classes, then the JDK's
            // a new constant pool and generated stack maps: every method body is written out anew (with the
            // shared pool the API copies unchanged code as it is, without stack maps)
            ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.ofResourceParsing(loader).orElse(ClassHierarchyResolver.defaultResolver())),
                    ClassFile.ConstantPoolSharingOption.NEW_POOL, ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                byte[] bytes;
                try (InputStream s = jar.getInputStream(entry)) {
                    bytes = s.readAllBytes();
                }
                if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
                    ClassModel model = cf.parse(bytes);
                    if (model.majorVersion() < OLD_BELOW) {
                        // the version first (the code builder decides on stack maps by it), then every
                        // method body rebuilt instruction by instruction, which computes the stack maps
                        ClassTransform version = (builder, element) -> {
                            if (element instanceof ClassFileVersion) {
                                builder.withVersion(TARGET_MAJOR, 0);
                            } else {
                                builder.with(element);
                            }
                        };
                        bytes = cf.transformClass(model, version.andThen(
                                ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)));
                        upgraded++;
                    }
                }
                JarEntry copy = new JarEntry(entry.getName());
                copy.setTime(entry.getTime());
                target.putNextEntry(copy);
                target.write(bytes);
                target.closeEntry();
            }
        }
        return upgraded;
    }
}
