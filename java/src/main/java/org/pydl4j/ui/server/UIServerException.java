package org.pydl4j.ui.server;

/** The UI cannot start (the port is taken, the host is not an address of this machine...). */
public class UIServerException extends RuntimeException {
    public UIServerException(String message, Throwable cause) { super(message, cause); }
}
