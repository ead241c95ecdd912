package io.weft.sample.http;

import io.weft.sample.model.Book;
import io.weft.sample.model.BookPatch;
import io.weft.sample.model.BookWithPages;
import io.weft.sample.model.NewBook;
import io.weft.sample.service.BookService;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /api/v1/storybook/books[/{id}]?user=}: a user's shelf; {@code GET …/books?user=&ids=a,b} the user's books
 * among those ids; {@code DELETE …/books?user=} empties the shelf. Ownership is checked here, outside
 * the cached {@link BookService#getBook}, so a cached book is never shown to another user.
 */
final class BookEndpoints implements Endpoint {

    private final BookService books;

    BookEndpoints(BookService books) {
        this.books = books;
    }

    @Override
    public Response handle(Request request) throws IOException {
        UUID user = request.user();
        if (request.subPath().isEmpty()) {
            List<UUID> ids = request.ids();
            return switch (request.method()) {
                case "GET" -> Response.ok(ids == null ? books.getBooks(user) : ownBooks(user, ids));
                case "POST" -> Response.created(books.createBook(newBook(user, request.body(BookPatch.class))));
                case "DELETE" -> Response.ok(Map.of("deleted", books.clearShelf(user)));
                default -> throw request.methodNotAllowed();
            };
        }
        UUID bookId = request.id();
        BookWithPages book = books.getBook(bookId);
        if (book == null || !book.book().userId().equals(user)) {
            throw Request.notFound("no book " + bookId);
        }
        return switch (request.method()) {
            case "GET" -> Response.ok(book);
            case "PUT" -> Response.ok(books.updateBook(bookId, user, patch(request.body(BookPatch.class))));
            case "DELETE" -> {
                books.deleteBook(bookId, user);
                yield Response.noContent();
            }
            default -> throw request.methodNotAllowed();
        };
    }

    /**
     * The user's books among {@code ids}, in the order asked ({@code GET …/books?user=&ids=a,b}): one batch call,
     * whose cached books are checked for ownership here, as single books are.
     */
    private List<Book> ownBooks(UUID user, List<UUID> ids) {
        List<Book> own = new ArrayList<>();
        books.getBooksByIds(ids).forEach((id, book) -> {
            if (book.book().userId().equals(user)) {
                own.add(book.book());
            }
        });
        return own;
    }

    private static NewBook newBook(UUID user, BookPatch body) {
        if (body.title() == null || body.author() == null) {
            throw new HttpError(400, "title and author are required");
        }
        return new NewBook(user, text(body.title()), text(body.author()));
    }

    private static BookPatch patch(BookPatch body) {
        return new BookPatch(body.title() == null ? null : text(body.title()),
                body.author() == null ? null : text(body.author()));
    }

    /** 400 for a blank or overlong title or author. */
    private static String text(String value) {
        if (value.isBlank() || value.length() > 500) {
            throw new HttpError(400, "title and author must have 1 to 500 characters");
        }
        return value;
    }
}
