// Timeline module.
