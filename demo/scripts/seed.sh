#!/usr/bin/env sh
# one-off script: transient
echo seeding
