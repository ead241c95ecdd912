package io.weft.sample.http;

/** Answers the requests under one path prefix. */
@FunctionalInterface
interface Endpoint {
    Response handle(Request request) throws Exception;
}
