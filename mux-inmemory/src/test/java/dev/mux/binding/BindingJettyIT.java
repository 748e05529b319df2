package dev.mux.binding;

import dev.mux.jakarta.Mux;
import dev.mux.jakarta.TestContainers;

/** The binding scenarios in Jetty 12 (ee10), listening on 127.0.0.1 only, with a real client. */
class BindingJettyIT extends BindingInContainerScenarios {

    @Override
    protected TestContainers.Running startContainer(Mux mux) throws Exception {
        return TestContainers.jetty(mux);
    }
}
