package org.example.probe;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The "unrelated web app" of the distribution tests: it answers, and reports which of Keyward's
 * classes its own class loader can load, so a test can see that installing Keyward left the
 * server's other web apps working and blind to Keyward's jars. Deliberately outside io.keyward.
 */
public class ProbeServlet extends HttpServlet {
    private static final String[] CLASSES = {
        "io.keyward.gateway.Keyward", "org.mariadb.jdbc.Driver", "com.zaxxer.hikari.HikariDataSource",
        "org.apache.ibatis.session.SqlSession",
        "jakarta.servlet.Filter", // every web app sees this one: shows the probe can report "visible"
    };

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=utf-8");
        StringBuilder out = new StringBuilder("probe ok\n");
        for (String name : CLASSES) {
            out.append(name).append('=').append(loadable(name) ? "visible" : "hidden").append('\n');
        }
        resp.getWriter().write(out.toString());
    }

    private boolean loadable(String name) {
        try {
            Class.forName(name, false, getClass().getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
