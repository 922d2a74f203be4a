// Placeholder: the Liquid module is being written.
