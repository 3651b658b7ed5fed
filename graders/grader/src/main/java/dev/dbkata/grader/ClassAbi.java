package dev.dbkata.grader;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What other code compiles against in a folder of class files: each class's name, kind,
 * supertypes and generic signature, and every member that is not private (name, descriptor,
 * signature, thrown exceptions, constant values), without method bodies or line numbers.
 * {@code kata test} recompiles the canonical tests only when this changes: editing a method body
 * leaves it alone. Anonymous and local classes are left out; nothing outside can name them.
 */
final class ClassAbi {

    private static final int ACC_PRIVATE = 0x0002;

    private ClassAbi() {
    }

    /** A digest of the ABI of every class file under {@code classes}; different for any change to it. */
    static String of(Path classes) {
        List<String> lines = new ArrayList<>();
        for (Path file : FileCopies.filesEndingWith(classes, ".class")) {
            String name = classes.relativize(file).toString().replace(java.io.File.separatorChar, '/');
            if (name.matches(".*\\$\\d.*")) {
                continue;
            }
            try {
                lines.add(describe(Files.readAllBytes(file)));
            } catch (IOException | RuntimeException e) {
                // Unreadable as a class file: let it count as changed every time.
                lines.add(name + " unreadable " + System.nanoTime());
            }
        }
        lines.sort(null);
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String line : lines) {
                digest.update(line.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) '\n');
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The source file a class was compiled from, as {@code package/path/File.java}, or null when it does not say. */
    static String sourceOf(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        Object[] pool = readPool(in);
        in.readUnsignedShort();
        String self = className(pool, in.readUnsignedShort());
        in.readUnsignedShort();
        in.skipBytes(2 * in.readUnsignedShort());
        for (int kind = 0; kind < 2; kind++) {
            int count = in.readUnsignedShort();
            for (int i = 0; i < count; i++) {
                in.skipBytes(6);
                skipAttributes(in);
            }
        }
        int count = in.readUnsignedShort();
        for (int i = 0; i < count; i++) {
            String name = (String) pool[in.readUnsignedShort()];
            int length = in.readInt();
            if (name.equals("SourceFile")) {
                String file = (String) pool[in.readUnsignedShort()];
                int slash = self.lastIndexOf('/');
                return (slash < 0 ? "" : self.substring(0, slash + 1)) + file;
            }
            in.skipBytes(length);
        }
        return null;
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int count = in.readUnsignedShort();
        for (int i = 0; i < count; i++) {
            in.readUnsignedShort();
            in.skipBytes(in.readInt());
        }
    }

    /** One class's ABI as sorted text. */
    static String describe(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        Object[] pool = readPool(in);
        List<String> parts = new ArrayList<>();
        int access = in.readUnsignedShort();
        String self = className(pool, in.readUnsignedShort());
        int superIndex = in.readUnsignedShort();
        StringBuilder header = new StringBuilder("class ").append(self).append(' ').append(access)
                .append(" extends ").append(superIndex == 0 ? "-" : className(pool, superIndex));
        int interfaces = in.readUnsignedShort();
        for (int i = 0; i < interfaces; i++) {
            header.append(" implements ").append(className(pool, in.readUnsignedShort()));
        }
        for (String kind : List.of("field", "method")) {
            int count = in.readUnsignedShort();
            for (int i = 0; i < count; i++) {
                int flags = in.readUnsignedShort();
                String member = kind + " " + flags + " " + pool[in.readUnsignedShort()] + " " + pool[in.readUnsignedShort()];
                String attributes = readAttributes(in, pool);
                if ((flags & ACC_PRIVATE) == 0) {
                    parts.add(member + attributes);
                }
            }
        }
        header.append(readAttributes(in, pool));
        parts.sort(null);
        return header + "\n" + String.join("\n", parts);
    }

    /** The attributes that matter to a compiler; the rest (code, line numbers, annotations) are skipped. */
    private static String readAttributes(DataInputStream in, Object[] pool) throws IOException {
        StringBuilder kept = new StringBuilder();
        int count = in.readUnsignedShort();
        for (int i = 0; i < count; i++) {
            String name = (String) pool[in.readUnsignedShort()];
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            DataInputStream attribute = new DataInputStream(new ByteArrayInputStream(body));
            switch (name) {
                case "Signature" -> kept.append(" signature ").append(pool[attribute.readUnsignedShort()]);
                case "ConstantValue" -> kept.append(" = ").append(constant(pool, attribute.readUnsignedShort()));
                case "Exceptions", "PermittedSubclasses" -> {
                    int n = attribute.readUnsignedShort();
                    kept.append(' ').append(name);
                    for (int j = 0; j < n; j++) {
                        kept.append(' ').append(className(pool, attribute.readUnsignedShort()));
                    }
                }
                case "InnerClasses" -> {
                    int n = attribute.readUnsignedShort();
                    for (int j = 0; j < n; j++) {
                        int inner = attribute.readUnsignedShort();
                        int outer = attribute.readUnsignedShort();
                        int simpleName = attribute.readUnsignedShort();
                        int flags = attribute.readUnsignedShort();
                        if (outer != 0 && simpleName != 0) {
                            kept.append(" inner ").append(className(pool, inner)).append(' ').append(flags);
                        }
                    }
                }
                case "Record" -> {
                    int n = attribute.readUnsignedShort();
                    for (int j = 0; j < n; j++) {
                        kept.append(" component ").append(pool[attribute.readUnsignedShort()]).append(' ')
                                .append(pool[attribute.readUnsignedShort()]);
                        readAttributes(attribute, pool);
                    }
                }
                default -> {
                }
            }
        }
        return kept.toString();
    }

    private static Object[] readPool(DataInputStream in) throws IOException {
        int count = in.readUnsignedShort();
        Object[] pool = new Object[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> pool[i] = in.readUTF();
                case 3 -> pool[i] = in.readInt();
                case 4 -> pool[i] = in.readFloat();
                case 5 -> pool[i++] = in.readLong();
                case 6 -> pool[i++] = in.readDouble();
                case 7, 8, 16, 19, 20 -> pool[i] = new int[] {tag, in.readUnsignedShort()};
                case 9, 10, 11, 12, 17, 18 -> {
                    pool[i] = new int[] {tag, in.readUnsignedShort(), in.readUnsignedShort()};
                }
                case 15 -> {
                    in.readUnsignedByte();
                    pool[i] = new int[] {tag, in.readUnsignedShort()};
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        return pool;
    }

    private static String className(Object[] pool, int index) {
        return (String) pool[((int[]) pool[index])[1]];
    }

    private static String constant(Object[] pool, int index) {
        Object value = pool[index];
        if (value instanceof int[] string) {
            return "\"" + pool[string[1]] + "\"";
        }
        return String.valueOf(value);
    }
}
