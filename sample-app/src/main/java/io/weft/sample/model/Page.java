package io.weft.sample.model;

/** One page of a book; pages are numbered from 1. */
public record Page(int number, String text) {
}
