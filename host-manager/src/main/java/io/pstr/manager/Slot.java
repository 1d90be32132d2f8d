package io.pstr.manager;

/** The two replica slots. Which one is primary is a designation that can change (non-revertive policy). */
public enum Slot {
    A, B;

    public Slot other() {
        return this == A ? B : A;
    }
}
