package io.keyward.forward;

import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Puts the vendor's {@code Content-Type} on the agent's response byte for byte.
 *
 * <p>The Servlet API cannot: {@code setHeader("Content-Type", v)} is {@code setContentType(v)} in
 * every container, and Jetty re-spells known types ({@code application/json; charset=utf-8} becomes
 * {@code application/json;charset=utf-8}), Tomcat re-joins the charset. An agent or SDK comparing
 * what the vendor sent would see Keyward's hand. So on the two containers Keyward ships for, the
 * header is written into the container's own header table, where nothing parses it; the Servlet
 * call is the fallback anywhere else. Only public types are touched on Jetty; on Tomcat the facade's
 * {@code response} field is read once per class, as its connector exposes no getter.
 */
final class ContentTypeAsSent {
    private static final ConcurrentMap<Class<?>, Writer> WRITERS = new ConcurrentHashMap<>();

    private interface Writer {
        void write(Object response, String value) throws Throwable;
    }

    private ContentTypeAsSent() {
    }

    static void set(HttpServletResponse agent, String value) {
        ServletResponse inner = agent;
        while (inner instanceof ServletResponseWrapper wrapper) {
            inner = wrapper.getResponse();
        }
        Writer writer = WRITERS.computeIfAbsent(inner.getClass(), ContentTypeAsSent::writerFor);
        try {
            writer.write(inner, value);
        } catch (Throwable containerChanged) {
            agent.setHeader("Content-Type", value);
        }
    }

    private static Writer writerFor(Class<?> type) {
        try {
            return jetty(type);
        } catch (ReflectiveOperationException | RuntimeException notJetty) {
            try {
                return tomcat(type);
            } catch (ReflectiveOperationException | RuntimeException notTomcat) {
                return (response, value) -> ((HttpServletResponse) response).setHeader("Content-Type", value);
            }
        }
    }

    /**
     * {@code ServletApiResponse.getResponse().getHeaders()}, unwrapped below the servlet layer's own
     * wrapper (which parses a Content-Type put through it), {@code .put(name, value)}.
     */
    private static Writer jetty(Class<?> type) throws ReflectiveOperationException {
        ClassLoader loader = type.getClassLoader();
        Class<?> coreResponse = Class.forName("org.eclipse.jetty.server.Response", false, loader);
        Class<?> fields = Class.forName("org.eclipse.jetty.http.HttpFields$Mutable", false, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodHandle getResponse = lookup.unreflect(type.getMethod("getResponse"));
        if (!coreResponse.isAssignableFrom(getResponse.type().returnType())) {
            throw new ClassNotFoundException("not Jetty's servlet response");
        }
        MethodHandle getHeaders = lookup.unreflect(coreResponse.getMethod("getHeaders"));
        MethodHandle put = lookup.unreflect(fields.getMethod("put", String.class, String.class));
        Class<?> wrapper = Class.forName("org.eclipse.jetty.http.HttpFields$Mutable$Wrapper", false, loader);
        MethodHandle getWrapped = lookup.unreflect(wrapper.getMethod("getWrapped"));
        return (response, value) -> {
            Object headers = getHeaders.invoke(getResponse.invoke(response));
            while (wrapper.isInstance(headers)) {
                headers = getWrapped.invoke(headers);
            }
            put.invoke(headers, "Content-Type", value);
        };
    }

    /** {@code facade.response.getCoyoteResponse().getMimeHeaders().setValue(name).setString(value)}. */
    private static Writer tomcat(Class<?> type) throws ReflectiveOperationException {
        if (!type.getName().equals("org.apache.catalina.connector.ResponseFacade")) {
            throw new ClassNotFoundException("not Tomcat's response facade");
        }
        Field field = type.getDeclaredField("response");
        field.setAccessible(true);
        MethodHandle getCoyote = MethodHandles.publicLookup().unreflect(field.getType().getMethod("getCoyoteResponse"));
        Class<?> coyote = getCoyote.type().returnType();
        MethodHandle getHeaders = MethodHandles.publicLookup().unreflect(coyote.getMethod("getMimeHeaders"));
        Class<?> headers = getHeaders.type().returnType();
        MethodHandle setValue = MethodHandles.publicLookup().unreflect(headers.getMethod("setValue", String.class));
        MethodHandle setString = MethodHandles.publicLookup().unreflect(setValue.type().returnType().getMethod("setString", String.class));
        return (response, value) -> setString.invoke(setValue.invoke(getHeaders.invoke(getCoyote.invoke(field.get(response))), "Content-Type"), value);
    }
}
