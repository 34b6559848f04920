package io.github.kafkarestgateway.jbang;

import org.apache.camel.dsl.jbang.core.commands.CamelJBangMain;

/** The {@code camel} command of Camel JBang, as a plain Java main (what JBang's launcher script calls). */
public final class CamelCli {

    private CamelCli() {
    }

    public static void main(String[] args) {
        CamelJBangMain.run(args);
    }
}
