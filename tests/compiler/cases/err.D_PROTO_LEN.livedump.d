/* livedump needs a reason. */
BEGIN { livedump(); }
