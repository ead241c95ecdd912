package web;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import shared.Svc;
import shared.Val;

/**
 * A web application's view of its cached {@code shared.Svc} (the same class in every application):
 * {@code /svc?id=1} answers {@code <value>,<whether the value is of this application's class>,<body runs>};
 * {@code /svc} without {@code id} answers the identity of this application's class loader.
 */
@WebServlet("/svc")
public class SvcServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private transient Svc svc;

    @Override
    public void init() {
        svc = new Svc(getServletContext().getContextPath().substring(1));
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String id = request.getParameter("id");
        String body;
        if (id == null) {
            body = Integer.toHexString(System.identityHashCode(getClass().getClassLoader()));
        } else {
            Val value = svc.get(id);
            body = value + "," + (value.getClass() == Val.class) + "," + svc.runs();
        }
        response.setContentType("text/plain");
        response.getWriter().print(body);
    }
}
