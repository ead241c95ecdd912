package io.weft.sample.http;

/** What an endpoint answers: a status and a body to write as JSON ({@code null}: no body). */
record Response(int status, Object body) {

    static Response ok(Object body) {
        return new Response(200, body);
    }

    static Response created(Object body) {
        return new Response(201, body);
    }

    static Response noContent() {
        return new Response(204, null);
    }
}
