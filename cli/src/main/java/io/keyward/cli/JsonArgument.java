package io.keyward.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A JSON value given on the command line, or {@code @file} to read it from a file. */
final class JsonArgument {
    private JsonArgument() {
    }

    static JsonNode read(String option, String value) {
        String text = value;
        if (value.startsWith("@")) {
            try {
                text = Files.readString(Path.of(value.substring(1)));
            } catch (IOException e) {
                throw new ApiFailure(ExitCode.USAGE, option + ": cannot read " + value.substring(1) + ": " + e.getMessage());
            }
        }
        try {
            return AdminApi.JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiFailure(ExitCode.USAGE, option + " is not JSON: " + e.getOriginalMessage());
        }
    }
}
