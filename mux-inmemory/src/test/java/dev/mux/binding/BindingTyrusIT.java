package dev.mux.binding;

import dev.mux.jakarta.Mux;
import dev.mux.jakarta.TestContainers;

/**
 * The binding scenarios in Tyrus over Grizzly, listening on 127.0.0.1 only, with a real client.
 */
class BindingTyrusIT extends BindingInContainerScenarios {

    @Override
    protected TestContainers.Running startContainer(Mux mux) throws Exception {
        return TestContainers.tyrus(mux);
    }
}
