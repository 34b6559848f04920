package io.github.kafkarestgateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.auth.CertificateAuthority;
import io.github.kafkarestgateway.auth.ServiceIds;
import io.github.kafkarestgateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code POST /console/api/service-ids/certificate} {@code {"name", "csr", "days"}}: a client certificate for the
 * service ID, signed by the client CA from the uploaded certificate request (PEM), as the certificates tool's
 * {@code sign-csr} does. The request's subject CN must be the service ID's name: an operator signs for the service ID
 * the page shows, never for another one that a crafted request names.
 */
public class SignClientCertificate implements Processor {

    private final ServiceIds serviceIds;
    private final CertificateAuthority authority;

    public SignClientCertificate(ServiceIds serviceIds, CertificateAuthority authority) {
        this.serviceIds = serviceIds;
        this.authority = authority;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ObjectNode request = ConsoleAnswer.request(exchange);
        String name = ServiceIdRequests.name(request);
        String csr = ConsoleAnswer.text(request, "csr", true);
        JsonNode daysNode = request.path("days");
        int days = daysNode.isMissingNode() || daysNode.isNull() ? 365 : daysNode.asInt(-1);
        if (days < 1 || days > 3650 || !daysNode.isMissingNode() && !daysNode.isNull() && !daysNode.isIntegralNumber()) {
            throw new GatewayException(400, "'days' must be a whole number from 1 to 3650");
        }
        boolean known = serviceIds.list().stream().anyMatch(entry -> name.equals(entry.path("name").asText()));
        if (!known) {
            throw new GatewayException(404, "No service ID named '" + name + "'");
        }
        String commonName = authority.requestCommonName(csr);
        if (!commonName.equals(name)) {
            throw new GatewayException(400, "The request's subject CN is '" + commonName + "', not the service ID '"
                    + name + "'");
        }
        String certificate = authority.sign(csr, days, null);
        ConsoleAnswer.json(exchange.getMessage(), 200, ConsoleAnswer.object().put("name", name)
                .put("certificate", certificate));
    }
}
