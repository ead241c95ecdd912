/** A named application module: it requires the annotations and opens none of its packages. */
module demo.mod {
    requires io.weft.annotations;
}
