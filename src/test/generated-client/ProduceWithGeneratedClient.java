package gatewayclient;

import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import javax.net.ssl.SSLContext;

import gatewayclient.api.DefaultApi;
import gatewayclient.model.Data;
import gatewayclient.model.Envelope;
import gatewayclient.model.ProduceResponse;
import gatewayclient.model.RecordHeaders;
import gatewayclient.model.V2ProduceResponse;

/**
 * A caller's code on the client that openapi-generator (java, library native) made from the gateway's served
 * OpenAPI document: compiled with it by {@code GeneratedClientTest}, not by the build. It uses the generated API as
 * it comes, with nothing renamed: the base URL is the document's server, the only set-up is what any caller of an
 * HTTPS API with a private CA does (the trust, and the Authorization header).
 * <p>
 * Input: {@code topic}, {@code key} (an API key) and {@code ssl} (an {@link SSLContext} trusting the gateway's CA).
 * Output: the client's base URL, and the v1 and v2 answers as JSON.
 */
public final class ProduceWithGeneratedClient implements Function<Map<String, Object>, Map<String, String>> {

    @Override
    public Map<String, String> apply(Map<String, Object> input) {
        String topic = (String) input.get("topic");
        ApiClient client = new ApiClient();
        client.setHttpClientBuilder(HttpClient.newBuilder().sslContext((SSLContext) input.get("ssl")));
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + input.get("key")));
        DefaultApi api = new DefaultApi(client);
        try {
            ProduceResponse v1 = api.produceMessage(topic, "from the generated client", "customer-7", "text",
                    new RecordHeaders().headers("colour:726564"), null, null, null, null, null, null, null);
            V2ProduceResponse v2 = api.produceRecordsV2(topic, List.of(
                    new Envelope().value(new Data().type(Data.TypeEnum.TEXT).data("first of a v2 batch")),
                    new Envelope().key(new Data().type(Data.TypeEnum.TEXT).data("k2"))
                            .value(new Data().type(Data.TypeEnum.TEXT).data("second of a v2 batch"))),
                    null, null, null);
            return Map.of("baseUri", client.getBaseUri(),
                    "v1", client.getObjectMapper().writeValueAsString(v1),
                    "v2", client.getObjectMapper().writeValueAsString(v2));
        } catch (ApiException e) {
            throw new IllegalStateException(e.getCode() + " " + e.getResponseBody(), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
