package dev.mux.jakarta;

/**
 * The container scenarios on Tyrus over Grizzly, deployed the way a WAR is: the container is
 * given a {@link MuxApplicationConfig} class and asks it for the endpoints.
 */
class TyrusContainerIT extends ContainerScenarios {

    @Override
    protected TestContainers.Running startServer(Mux mux) throws Exception {
        return TestContainers.tyrusWar(mux);
    }
}
