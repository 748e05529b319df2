package dev.mux.inmemory;

import dev.mux.layer.ChannelLayer;
import dev.mux.layer.ChannelLayerFuzz;
import dev.mux.layer.LayerOptions;

/** Fuzzes the in-memory layer's arguments and message values. */
class InMemoryChannelLayerFuzzTest extends ChannelLayerFuzz {

    @Override
    protected ChannelLayer createLayer(LayerOptions options) {
        return new InMemoryChannelLayer(options);
    }
}
