package io.weft.agent.keys;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The parameter that a batch template's {@code [*]} placeholder stands for (SPEC §13): its position and the kind
 * of collection it is declared as, so that the method can be called with some of its elements in the same kind
 * (a {@code List} stays a {@code List}, a {@code Set} a {@code Set}, a {@code SortedSet} a {@code SortedSet} of the
 * argument's comparator, a {@code Queue} or {@code Deque} a {@code LinkedList}, an array an array), in the caller's
 * order.
 */
public final class BatchParameter {

    /** The kinds of collection a batch parameter may be declared as. */
    private enum Kind {
        LIST, SET, SORTED_SET, LINKED_LIST, ARRAY
    }

    private final int index;
    private final Kind kind;

    private BatchParameter(int index, Kind kind) {
        this.index = index;
        this.kind = kind;
    }

    /**
     * The parameter at {@code index}, declared as {@code typeName} (a binary name, as {@link Class#getName()}
     * spells it).
     *
     * @throws IllegalArgumentException when that type is not a list, set, collection or array
     */
    static BatchParameter of(int index, String typeName) {
        if (typeName.startsWith("[")) {
            return new BatchParameter(index, Kind.ARRAY);
        }
        switch (typeName) {
            case "java.lang.Iterable":
            case "java.util.Collection":
            case "java.util.List":
            case "java.util.ArrayList":
                return new BatchParameter(index, Kind.LIST);
            case "java.util.Set":
            case "java.util.HashSet":
            case "java.util.LinkedHashSet":
                return new BatchParameter(index, Kind.SET);
            case "java.util.SortedSet":
            case "java.util.NavigableSet":
            case "java.util.TreeSet":
                return new BatchParameter(index, Kind.SORTED_SET);
            case "java.util.Queue":
            case "java.util.Deque":
            case "java.util.LinkedList":
                return new BatchParameter(index, Kind.LINKED_LIST);
            default:
                throw new IllegalArgumentException("the parameter is declared as " + typeName + "; " + Template.EACH
                        + " needs a Collection, Iterable, List, Set, SortedSet, NavigableSet, Queue or Deque (or one of"
                        + " ArrayList, LinkedList, HashSet, LinkedHashSet, TreeSet) or an array");
        }
    }

    /** The binary name of an element's declared type: an array's component type, else {@code java.lang.Object}. */
    static String elementType(String typeName) {
        if (!typeName.startsWith("[")) {
            return Object.class.getName();
        }
        String component = typeName.substring(1);
        switch (component) {
            case "Z": return "boolean";
            case "B": return "byte";
            case "C": return "char";
            case "S": return "short";
            case "I": return "int";
            case "J": return "long";
            case "F": return "float";
            case "D": return "double";
            default:
                return component.startsWith("L") ? component.substring(1, component.length() - 1) : component;
        }
    }

    /** The parameter's position. */
    public int index() {
        return index;
    }

    /**
     * The elements of the call's argument in order (duplicates kept), or {@code null} when the argument is null: a
     * list argument itself (not copied), else a list of its elements.
     */
    @SuppressWarnings("unchecked")
    public List<Object> elements(Object[] args) {
        Object argument = args[index];
        if (argument == null) {
            return null;
        }
        if (argument instanceof List<?>) {
            return (List<Object>) argument;
        }
        if (kind == Kind.ARRAY) {
            int length = Array.getLength(argument);
            List<Object> elements = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                elements.add(Array.get(argument, i));
            }
            return elements;
        }
        if (argument instanceof Collection<?>) {
            return new ArrayList<>((Collection<?>) argument);
        }
        List<Object> elements = new ArrayList<>();
        ((Iterable<?>) argument).forEach(elements::add);
        return elements;
    }

    /**
     * An argument of the parameter's declared kind holding {@code elements} in their order: an {@code ArrayList}, a
     * {@code LinkedHashSet}, a {@code TreeSet} ordered by {@code original}'s comparator, a {@code LinkedList}, or an
     * array of the same component type as {@code original}.
     */
    @SuppressWarnings("unchecked")
    public Object subset(Object original, List<Object> elements) {
        switch (kind) {
            case SET:
                return new LinkedHashSet<>(elements);
            case SORTED_SET:
                TreeSet<Object> sorted = new TreeSet<>(((SortedSet<Object>) original).comparator());
                sorted.addAll(elements);
                return sorted;
            case LINKED_LIST:
                return new LinkedList<>(elements);
            case ARRAY:
                Object array = Array.newInstance(original.getClass().getComponentType(), elements.size());
                for (int i = 0; i < elements.size(); i++) {
                    Array.set(array, i, elements.get(i));
                }
                return array;
            default:
                return new ArrayList<>(elements);
        }
    }
}
