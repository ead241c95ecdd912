package web;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import shared.Item;
import shared.Query;
import shared.Shelf;
import shared.Svc;
import shared.Val;

/**
 * A web application's view of its cached {@code shared.Svc} (the same class in every application):
 * {@code /svc?id=1} answers {@code <value>,<whether the value is of this application's class>,<body runs>};
 * {@code /svc?shelf=1} answers the same of {@code shared.Shelf} (a property-path key, values through Redis);
 * {@code /svc} without either answers the identity of this application's class loader.
 */
@WebServlet("/svc")
public class SvcServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private transient Svc svc;
    private final transient Shelf shelf = new Shelf();

    @Override
    public void init() {
        svc = new Svc(getServletContext().getContextPath().substring(1));
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String id = request.getParameter("id");
        String shelfId = request.getParameter("shelf");
        String body;
        if (id != null) {
            Val value = svc.get(id);
            body = value + "," + (value.getClass() == Val.class) + "," + svc.runs();
        } else if (shelfId != null) {
            Item item = shelf.find(new Query(shelfId)).get(0);
            body = item.text() + "," + (item.getClass() == Item.class) + "," + shelf.runs();
        } else {
            body = Integer.toHexString(System.identityHashCode(getClass().getClassLoader()));
        }
        response.setContentType("text/plain");
        response.getWriter().print(body);
    }
}
