"""Boards: named collections of images, private by default, shareable by visibility."""
