package dev.lastmile.kpi.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class OpsServerTest {

    @Test
    void shouldReleaseItsPortWhenStartUpFailsAfterBindingIt() throws Exception {
        OpsServer bound = OpsServer.bind("127.0.0.1", 0);
        int port = bound.port();
        bound.close(); // never served: `run` stopped on a later check
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }
}
