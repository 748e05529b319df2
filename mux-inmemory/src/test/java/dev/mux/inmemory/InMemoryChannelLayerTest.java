package dev.mux.inmemory;

import dev.mux.layer.ChannelLayer;
import dev.mux.layer.ChannelLayerContract;
import dev.mux.layer.LayerOptions;

/** Runs the channel layer contract, unchanged, against {@link InMemoryChannelLayer}. */
class InMemoryChannelLayerTest extends ChannelLayerContract {

    @Override
    protected ChannelLayer createLayer(LayerOptions options) {
        return new InMemoryChannelLayer(options);
    }
}
