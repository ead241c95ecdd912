package io.weft.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PayloadNamesTest {

    @Test
    void parameterNamesBecomeSnakeCase() {
        assertEquals("book_id", PayloadNames.snakeCase("bookId"));
        assertEquals("user_id", PayloadNames.snakeCase("userID"));
        assertEquals("http_server", PayloadNames.snakeCase("HTTPServer"));
        assertEquals("book_id_2", PayloadNames.snakeCase("bookId_2"));
        assertEquals("arg0", PayloadNames.snakeCase("arg0"));
        assertEquals("already_snake", PayloadNames.snakeCase("already_snake"));
        assertEquals("page2_size", PayloadNames.snakeCase("page2Size"));
        assertEquals("x", PayloadNames.snakeCase("X"));
    }
}
