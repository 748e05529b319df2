package dev.mux.jakarta;

/**
 * The container scenarios on Tyrus over Grizzly, deployed the way a WAR is: the container is
 * given a {@link MuxApplicationConfig} class and asks it for the endpoints.
 */
class TyrusContainerIT extends ContainerScenarios {

    /** The Mux the deployed application config hands out; set before each deployment. */
    private static volatile Mux deployed;

    /** What a WAR would contain: found by the container, instantiated with its no-arg constructor. */
    public static final class Application extends MuxApplicationConfig {
        @Override
        protected Mux createMux() {
            return deployed;
        }
    }

    @Override
    protected TestContainers.Running startServer(Mux mux) throws Exception {
        deployed = mux;
        return TestContainers.tyrusWar(Application.class);
    }
}
