package org.pydl4j.datasets.split;

import java.net.URI;
import java.util.Collection;
import java.util.List;

/** A fixed list of locations (DataVec's {@code CollectionInputSplit}); what {@code sample} returns. */
public class CollectionInputSplit extends BaseInputSplit {
    private final URI[] locations;

    public CollectionInputSplit(Collection<URI> list) {
        this.locations = list.toArray(new URI[0]);
    }

    public CollectionInputSplit(URI[] locations) {
        this.locations = locations.clone();
    }

    @Override
    public URI[] locations() { return locations.clone(); }

    @Override
    public long length() { return locations.length; }

    @Override
    public String toString() { return "CollectionInputSplit(" + locations.length + " locations)"; }

    /** The locations as a list (a copy). */
    public List<URI> asList() { return List.of(locations); }
}
