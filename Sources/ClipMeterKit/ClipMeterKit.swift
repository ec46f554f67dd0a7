// ClipMeterKit module.
