package dev.confine;
class Placeholder {}
